// A small real filesystem (tmpfs) that tests fill up, to see what the runner does on a full disk (ENOSPC).
import { execFile } from 'node:child_process';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SmallFs {
  dir: string;
  /** Writes a filler file until the filesystem is full, leaving about `leaveBytes` free. */
  fill(leaveBytes?: number): Promise<void>;
  /** Removes the filler. */
  free(): Promise<void>;
  unmount(): Promise<void>;
}

/** Why a tmpfs cannot be mounted here (not root, no CAP_SYS_ADMIN), or null when it can. */
export async function smallFsUnavailable(): Promise<string | null> {
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  const probe = await mountSmallFs(1).catch((error: Error) => error);
  if (probe instanceof Error) return `mount -t tmpfs failed: ${probe.message}`;
  await probe.unmount();
  return null;
}

export async function mountSmallFs(megabytes = 2): Promise<SmallFs> {
  const dir = await mkdtemp(join(tmpdir(), 'rally-monitor-smallfs-'));
  await run('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m,mode=0755`, 'tmpfs', dir]);
  const filler = join(dir, 'filler');
  return {
    dir,
    async fill(leaveBytes = 0) {
      const handle = await open(filler, 'a');
      try {
        const chunk = Buffer.alloc(64 * 1024, 120);
        for (;;) {
          try {
            await handle.write(chunk);
          } catch {
            break;
          }
        }
        if (leaveBytes > 0) {
          const size = (await handle.stat()).size;
          await handle.truncate(Math.max(0, size - leaveBytes));
        }
      } finally {
        await handle.close();
      }
    },
    async free() {
      await rm(filler, { force: true });
    },
    async unmount() {
      await run('umount', ['-l', dir]).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
