// Loaded on the first span or log export, not at startup (see load.ts).
export {
  createLogExporter,
  createSpanExporter,
  encodeLogs,
  encodeSpans,
} from '../export/exporter.ts';
