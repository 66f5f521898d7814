// The gateway's self-metrics as tests read them: one sample's exact value out of the Prometheus
// text exposition, found by metric name and its whole label set. A regex like `} 2` also matches
// `} 20`; comparing parsed values cannot.

/** The labels of one sample, compared as a whole: a sample with one label more is another sample. */
export type Labels = Readonly<Record<string, string>>;

/** `name{labels} value [timestamp]`; label values may hold `}`, so the braces match greedily. */
const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?[ \t]+(\S+)(?:[ \t]+-?\d+)?$/;
/** One `name="value"` pair (value escapes: `\\`, `\"`, `\n`), then an optional comma. */
const LABEL_PAIR = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/y;

function parseLabels(text: string): Map<string, string> {
  const labels = new Map<string, string>();
  LABEL_PAIR.lastIndex = 0;
  while (LABEL_PAIR.lastIndex < text.length) {
    const pair = LABEL_PAIR.exec(text);
    if (pair === null) throw new Error(`unparsable labels: {${text}}`);
    labels.set(
      pair[1]!,
      pair[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c)),
    );
  }
  return labels;
}

const parseValue = (text: string) =>
  text === '+Inf' ? Infinity : text === '-Inf' ? -Infinity : Number(text);

const sameLabels = (found: Map<string, string>, wanted: Labels) =>
  found.size === Object.keys(wanted).length &&
  Object.entries(wanted).every(([name, value]) => found.get(name) === value);

/**
 * The value of the sample of `name` whose labels are exactly `labels`, or undefined when `text`
 * (a /metrics body) has no such sample. Throws when it has two: the exposition is broken.
 */
export function sampleValue(text: string, name: string, labels: Labels = {}): number | undefined {
  let value: number | undefined;
  for (const line of text.split('\n')) {
    const sample = SAMPLE_LINE.exec(line.trim());
    if (sample === null || sample[1] !== name) continue;
    if (!sameLabels(parseLabels(sample[2] ?? ''), labels)) continue;
    if (value !== undefined) throw new Error(`${name} ${JSON.stringify(labels)} appears twice`);
    value = parseValue(sample[3]!);
  }
  return value;
}

/** The body of `GET <adminUrl>/metrics`; throws unless the admin server answers 200. */
export async function scrapeMetrics(adminUrl: string): Promise<string> {
  const response = await fetch(`${adminUrl}/metrics`);
  if (!response.ok) throw new Error(`${adminUrl}/metrics: HTTP ${response.status}`);
  return response.text();
}
