// Loaded only when OTEL_NODE_RESOURCE_DETECTORS names a cloud (see load.ts and resource.ts).
import { alibabaCloudEcsDetector } from '@opentelemetry/resource-detector-alibaba-cloud';
import {
  awsBeanstalkDetector,
  awsEc2Detector,
  awsEcsDetector,
  awsEksDetector,
  awsLambdaDetector,
} from '@opentelemetry/resource-detector-aws';
import {
  azureAksDetector,
  azureAppServiceDetector,
  azureContainerAppsDetector,
  azureFunctionsDetector,
  azureVmDetector,
} from '@opentelemetry/resource-detector-azure';
import { gcpDetector } from '@opentelemetry/resource-detector-gcp';
import type { ResourceDetector } from '@opentelemetry/resources';

/** The detectors each OTEL_NODE_RESOURCE_DETECTORS cloud name runs. */
export const CLOUD: Record<'alibaba' | 'aws' | 'azure' | 'gcp', ResourceDetector[]> = {
  alibaba: [alibabaCloudEcsDetector],
  aws: [awsBeanstalkDetector, awsEc2Detector, awsEcsDetector, awsEksDetector, awsLambdaDetector],
  azure: [
    azureAksDetector,
    azureAppServiceDetector,
    azureContainerAppsDetector,
    azureFunctionsDetector,
    azureVmDetector,
  ],
  gcp: [gcpDetector],
};
