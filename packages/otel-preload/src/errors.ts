/** The semantic-convention `exception.*` attributes of a thrown value (which may be no Error). */
export function exceptionAttributes(error: unknown): {
  'exception.type': string;
  'exception.message': string;
  'exception.stacktrace'?: string;
} {
  if (error instanceof Error) {
    return {
      'exception.type': error.name,
      'exception.message': error.message,
      ...(error.stack === undefined ? {} : { 'exception.stacktrace': error.stack }),
    };
  }
  return { 'exception.type': typeof error, 'exception.message': String(error) };
}
