// The generated parts of the READMEs (benchmark tables, configuration tables): the text between
// `<!-- NAME:start -->` and `<!-- NAME:end -->`, each marker on a line of its own.
import { readFileSync, writeFileSync } from 'node:fs';

const markers = (name: string) => [`<!-- ${name}:start -->`, `<!-- ${name}:end -->`] as const;

/** Where the section lies in `text`; throws naming the file and the markers when they are missing. */
function locate(text: string, file: string | URL, name: string): [number, number] {
  const [start, end] = markers(name);
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${String(file)} has no ${start} … ${end} markers`);
  return [from + start.length, to];
}

/** The section's current content, without the newlines around it. */
export function readReadmeSection(file: string | URL, name: string): string {
  const text = readFileSync(file, 'utf8');
  const [from, to] = locate(text, file, name);
  return text.slice(from, to).replace(/^\n/, '').replace(/\n$/, '');
}

/** Replaces the section's content with `content`. */
export function writeReadmeSection(file: string | URL, name: string, content: string): void {
  const text = readFileSync(file, 'utf8');
  const [from, to] = locate(text, file, name);
  writeFileSync(file, `${text.slice(0, from)}\n${content}\n${text.slice(to)}`);
}
