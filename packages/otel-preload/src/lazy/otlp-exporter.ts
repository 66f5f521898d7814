// Loaded on the first span or log export, not at startup (see load.ts).
export { createLogExporter, createSpanExporter } from '../export/exporter.ts';
