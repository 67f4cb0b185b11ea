import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

let cached: Record<string, string> | undefined;

/**
 * Where traces come from: the entry script and, when the working directory is in a git
 * checkout, its commit, branch and remote. Read once, from files (no child process), the first
 * time a trace is exported — never on the span hot path.
 */
export function sourceMetadata(): Record<string, string> {
  if (cached) return cached;
  const meta: Record<string, string> = { 'mlflow.source.type': 'LOCAL' };
  const entry = process.argv[1];
  if (entry) meta['mlflow.source.name'] = entry;
  try {
    Object.assign(meta, gitMetadata(process.cwd()));
  } catch {
    // not a git checkout, or unreadable: no git metadata
  }
  cached = meta;
  return meta;
}

function findGitDir(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    const candidate = join(dir, '.git');
    if (existsSync(candidate)) {
      if (statSync(candidate).isDirectory()) return candidate;
      // A worktree or submodule: `.git` is a file naming the real git directory.
      const match = /^gitdir:\s*(.+)$/m.exec(readFileSync(candidate, 'utf8'));
      return match ? resolve(dir, match[1].trim()) : undefined;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function gitMetadata(cwd: string): Record<string, string> {
  const gitDir = findGitDir(cwd);
  if (!gitDir) return {};
  const out: Record<string, string> = {};
  const head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
  let commit: string | undefined;
  if (head.startsWith('ref: ')) {
    const ref = head.slice(5);
    out['mlflow.source.git.branch'] = ref.replace(/^refs\/heads\//, '');
    const refFile = join(gitDir, ref);
    if (existsSync(refFile)) commit = readFileSync(refFile, 'utf8').trim();
    else if (existsSync(join(gitDir, 'packed-refs'))) {
      const line = readFileSync(join(gitDir, 'packed-refs'), 'utf8')
        .split('\n')
        .find((l) => l.endsWith(` ${ref}`));
      commit = line?.split(' ')[0];
    }
  } else commit = head;
  if (commit) out['mlflow.source.git.commit'] = commit;
  const config = join(gitDir, 'config');
  if (existsSync(config)) {
    const match = /\[remote "origin"\][^[]*?url\s*=\s*(\S+)/.exec(readFileSync(config, 'utf8'));
    // Credentials embedded in a remote URL never leave the process.
    if (match) out['mlflow.source.git.repoURL'] = match[1].replace(/\/\/[^/@]*@/, '//');
  }
  return out;
}
