// Makes the fuzzer's prebuilt native addon (@jazzer.js/fuzzer, linux) load on a C library older
// than the one it was built against (glibc 2.38, GCC 13's libstdc++), such as Debian 12's 2.36.
//
// The prebuilt needs exactly three symbols that older libraries lack: __isoc23_strtol and
// __isoc23_strtoul (C23 variants that differ from strtol/strtoul only in also reading a "0b"
// prefix; libFuzzer uses them to parse its numeric flags) and _ZSt21ios_base_library_initv (a
// link-time marker of GCC 13's <iostream> with no relocation against it). The addon is rewritten
// to ask for strtol/strtoul and for the oldest version of each library instead. Nothing is done
// when the addon loads as it is. The rewritten file replaces the original by rename, so the
// package manager's store (which hard-links the file) is never modified.
//
// Usage: node scripts/fuzzer-glibc-compat.ts   (from anywhere; idempotent; exit 1 on failure).
// Where the fuzzer is not installed (a production install) or ships no prebuilt for this
// platform, it says so and leaves everything as it is.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const gateway = join(import.meta.dirname, '..', 'packages', 'gateway');

function addonPath(): string | undefined {
  try {
    const core = createRequire(join(gateway, 'package.json')).resolve(
      '@jazzer.js/core/package.json',
    );
    const fuzzer = createRequire(core).resolve('@jazzer.js/fuzzer/package.json');
    return join(dirname(fuzzer), 'prebuilds', `fuzzer-${process.platform}-${process.arch}.node`);
  } catch {
    return undefined;
  }
}

/**
 * The error loading the addon prints, or undefined when it loads. Symbols are bound at load
 * (LD_BIND_NOW), so a symbol the C library lacks fails here rather than at its first call.
 */
function loadError(path: string): string | undefined {
  const run = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(path)})`], {
    encoding: 'utf8',
    env: { ...process.env, LD_BIND_NOW: '1' },
  });
  return run.status === 0 ? undefined : run.stderr;
}

const elfHash = (name: Buffer): number => {
  let h = 0;
  for (const c of name) {
    h = ((h << 4) + c) >>> 0;
    const g = h & 0xf0000000;
    if (g !== 0) h ^= g >>> 24;
    h = (h & ~g) >>> 0;
  }
  return h;
};

/** Rewrites the version needs and the C23 symbol names; returns how many entries changed. */
function patch(data: Buffer): number {
  if (data.readUInt32BE(0) !== 0x7f454c46 || data[4] !== 2 || data[5] !== 1)
    throw new Error('not a 64-bit little-endian ELF file');
  const shoff = Number(data.readBigUInt64LE(0x28));
  const shentsize = data.readUInt16LE(0x3a);
  const shnum = data.readUInt16LE(0x3c);
  const sections = Array.from({ length: shnum }, (_, i) => {
    const at = shoff + i * shentsize;
    return {
      type: data.readUInt32LE(at + 4),
      offset: Number(data.readBigUInt64LE(at + 0x18)),
      size: Number(data.readBigUInt64LE(at + 0x20)),
      link: data.readUInt32LE(at + 0x28),
      info: data.readUInt32LE(at + 0x2c),
      entsize: Number(data.readBigUInt64LE(at + 0x38)),
    };
  });
  const dynsym = sections.find((s) => s.type === 11)!; // SHT_DYNSYM
  const verneed = sections.find((s) => s.type === 0x6ffffffe)!; // SHT_GNU_verneed
  const dynstr = sections[dynsym.link]!;
  const str = (at: number) => {
    const start = dynstr.offset + at;
    return data.subarray(start, data.indexOf(0, start));
  };

  // Version needs: library → [{ entry offset, version name, name offset }].
  const needs: { at: number; name: string; nameOffset: number }[] = [];
  let file = verneed.offset;
  for (let i = 0; i < verneed.info; i++) {
    const count = data.readUInt16LE(file + 2);
    let aux = file + data.readUInt32LE(file + 8);
    for (let j = 0; j < count; j++) {
      const nameOffset = data.readUInt32LE(aux + 8);
      needs.push({ at: aux, name: str(nameOffset).toString(), nameOffset });
      aux += data.readUInt32LE(aux + 12);
    }
    file += data.readUInt32LE(file + 12);
  }
  const oldest = (prefix: string) =>
    needs
      .filter((n) => n.name.startsWith(prefix))
      .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }))[0]!;
  const replacements: Record<string, { name: string; nameOffset: number }> = {
    'GLIBC_2.38': oldest('GLIBC_2.'),
    'GLIBCXX_3.4.32': oldest('GLIBCXX_3.4'),
  };
  let changed = 0;
  for (const need of needs) {
    const target = replacements[need.name];
    if (!target) continue;
    data.writeUInt32LE(elfHash(Buffer.from(target.name)), need.at);
    data.writeUInt32LE(target.nameOffset, need.at + 8);
    changed++;
  }
  // Undefined __isoc23_* symbols: point their names at the classic name, a suffix of the same string.
  const prefix = Buffer.from('__isoc23_');
  for (let at = dynsym.offset; at < dynsym.offset + dynsym.size; at += dynsym.entsize) {
    const name = data.readUInt32LE(at);
    const defined = data.readUInt16LE(at + 6) !== 0;
    if (!defined && str(name).subarray(0, prefix.length).equals(prefix)) {
      data.writeUInt32LE(name + prefix.length, at);
      changed++;
    }
  }
  return changed;
}

const path = addonPath();
if (path === undefined || !existsSync(path)) {
  console.log(
    `fuzzer addon: none installed for ${process.platform}-${process.arch}; fuzzing unavailable`,
  );
  process.exit(0);
}
const before = loadError(path);
if (before === undefined) process.exit(0);
if (
  process.platform !== 'linux' ||
  !/version `(GLIBC_2\.38|GLIBCXX_3\.4\.32)' not found/.test(before)
) {
  console.error(`fuzzer addon does not load, and not for a C library version:\n${before}`);
  process.exit(1);
}
const data = readFileSync(path);
const changed = patch(data);
writeFileSync(`${path}.tmp`, data, { mode: 0o644 });
renameSync(`${path}.tmp`, path);
const after = loadError(path);
if (after !== undefined) {
  console.error(`fuzzer addon still does not load after ${changed} rewrites:\n${after}`);
  process.exit(1);
}
console.log(`fuzzer addon made loadable on this C library (${changed} entries rewritten)`);
