// Unpacks a zip file with Node alone (the distribution is a zip; `unzip` is not on every machine). Handles
// what OpenSearch's zips hold: stored and deflated entries, directories, Unix permissions; no Zip64.
import { inflateRawSync } from "node:zlib";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, normalize, sep } from "node:path";

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;

export async function unzip(file: string, into: string): Promise<void> {
  const zip = await readFile(file);
  const bad = (why: string) => new Error(`cannot unpack ${file}: ${why}`);
  // The end record sits in the last 22 bytes plus a comment of at most 64 KiB.
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === END_OF_CENTRAL_DIRECTORY) {
      end = i;
      break;
    }
  }
  if (end < 0) throw bad("not a zip file");
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  if (count === 0xffff || at === 0xffffffff) throw bad("Zip64 archives are not supported");

  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(at) !== CENTRAL_ENTRY) throw bad(`damaged central directory at byte ${at}`);
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const next = at + 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const mode = zip.readUInt32LE(at + 38) >>> 16;
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString("utf8", at + 46, at + 46 + nameLength);
    at = next;

    const path = normalize(name);
    if (path.startsWith("..") || path.startsWith(sep)) throw bad(`entry ${name} points outside the target folder`);
    const target = join(into, path);
    if (name.endsWith("/")) {
      await mkdir(target, { recursive: true });
      continue;
    }
    if (zip.readUInt32LE(local) !== LOCAL_HEADER) throw bad(`damaged entry ${name}`);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + size);
    if (method !== 0 && method !== 8) throw bad(`entry ${name} uses compression method ${method}`);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, method === 8 ? inflateRawSync(data) : data);
    if (mode & 0o777) await chmod(target, mode & 0o777);
  }
}
