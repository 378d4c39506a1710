import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../core/errors.ts';

/**
 * Input files uploaded for pipeline runs, kept in one owner-only directory. Names
 * may have folders ("out/schueler.csv", so that a job's relative paths work), but
 * every segment is a plain file name: no "..", no leading dot, no absolute path.
 */
const SEGMENT = /^[A-Za-z0-9ÄÖÜäöüß][A-Za-z0-9ÄÖÜäöüß._ -]{0,99}$/;

/** The upload name as a relative path, or a 400 that says what is allowed. */
export function checkUploadName(name: string): string {
  const segments = name.split('/');
  if (segments.length > 4 || !segments.every((s) => SEGMENT.test(s) && !s.includes('..'))) {
    throw new AppError(
      'bad_request',
      `"${name}" is not an allowed file name: up to 4 folder levels of letters, digits, ".", "_", "-" and spaces, not starting with a dot`,
    );
  }
  return segments.join('/');
}

export interface StoredFile {
  name: string;
  bytes: number;
  sha256: string;
}

export function uploadStore(dir: string) {
  const resolve = (name: string) => path.join(dir, checkUploadName(name));

  return {
    dir,
    resolve,

    /** Streams `body` into the file; more than `maxBytes` is refused (413) and leaves nothing behind. */
    async put(name: string, body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<StoredFile> {
      const file = resolve(name);
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      const part = `${file}.${crypto.randomBytes(4).toString('hex')}.part`;
      const out = fs.openSync(part, 'w', 0o600);
      const hash = crypto.createHash('sha256');
      let bytes = 0;
      let open = true;
      const close = () => open && (fs.closeSync(out), (open = false));
      try {
        if (body) {
          for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
            bytes += chunk.length;
            if (bytes > maxBytes) throw new AppError('payload_too_large', `the file is larger than the limit of ${maxBytes} bytes`);
            hash.update(chunk);
            fs.writeSync(out, chunk);
          }
        }
        close();
        fs.renameSync(part, file);
      } catch (err) {
        close();
        fs.rmSync(part, { force: true });
        throw err;
      }
      return { name, bytes, sha256: hash.digest('hex') };
    },

    list(): { name: string; bytes: number; modified: string }[] {
      if (!fs.existsSync(dir)) return [];
      return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
        .filter((d) => d.isFile() && !d.name.endsWith('.part'))
        .map((d) => {
          const full = path.join(d.parentPath, d.name);
          const st = fs.statSync(full);
          return { name: path.relative(dir, full).split(path.sep).join('/'), bytes: st.size, modified: st.mtime.toISOString() };
        })
        .sort((a, b) => a.name.localeCompare(b.name));
    },

    remove(name: string): void {
      const file = resolve(name);
      if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new AppError('not_found', `no uploaded file "${name}"`);
      fs.rmSync(file);
    },
  };
}

export type UploadStore = ReturnType<typeof uploadStore>;
