import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const config = JSON.parse(readFileSync(join(root, '.changeset', 'config.json'), 'utf8')) as {
  fixed?: string[][];
};

interface ReleasePlan {
  changesets: { id: string; releases: { name: string; type: string }[] }[];
  releases: { name: string; type: string; oldVersion: string; newVersion: string }[];
}

/** The release plan `changeset version` would carry out, from the changesets CLI's own planner. */
async function releasePlan(): Promise<ReleasePlan> {
  const fromCli = createRequire(createRequire(import.meta.url).resolve('@changesets/cli/package.json'));
  const getReleasePlan = fromCli('@changesets/get-release-plan').default as (
    cwd: string,
  ) => Promise<ReleasePlan>;
  return getReleasePlan(root);
}

describe('the next release', () => {
  it('reads every pending changeset, each naming at least one package', async () => {
    const plan = await releasePlan();
    for (const changeset of plan.changesets)
      expect(changeset.releases.length, `.changeset/${changeset.id}.md names no package`).toBeGreaterThan(0);
  });

  it('gives the published packages one version, and a major one only where a changeset asks for it', async () => {
    const plan = await releasePlan();
    const [group] = config.fixed ?? [];
    expect(group?.length, 'the published packages are one fixed group').toBeGreaterThan(1);
    const planned = plan.releases.filter((r) => group.includes(r.name) && r.type !== 'none');
    expect(new Set(planned.map((r) => r.newVersion)).size).toBeLessThanOrEqual(1);
    const askedMajor = plan.changesets.some((c) => c.releases.some((r) => r.type === 'major'));
    if (askedMajor) return;
    for (const r of planned) expect(r.type, `${r.name} ${r.oldVersion} → ${r.newVersion}`).not.toBe('major');
  });
});
