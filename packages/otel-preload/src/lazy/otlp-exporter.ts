// Loaded on the first span or log record to export, not at startup (see load.ts).
export { createExporter, logCodec, spanCodec } from '../export/exporter.ts';
