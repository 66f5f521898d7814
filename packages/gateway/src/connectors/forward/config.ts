import { z } from 'zod';

export const forwardConnectorConfigSchema = z
  .strictObject({})
  .describe('Takes no settings: passes every batch to each pipeline that lists it as a receiver.');

export type ForwardConnectorConfig = z.infer<typeof forwardConnectorConfigSchema>;
