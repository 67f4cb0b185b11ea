import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Hook } from 'require-in-the-middle';
import semver from 'semver';
import { describeError, diag } from '../diag.js';

export interface PluginStatus {
  name: string;
  enabled: boolean;
  /** Versions of the instrumented module that were patched. */
  patched: string[];
  /** Why the plugin is not (fully) enabled, when it is not. */
  reason?: string;
}

/**
 * The base every Autolog integration extends: enable/disable (idempotent and fully
 * reversible), the supported version range, patching of the module whether it was loaded with
 * `require` or `import`, before or after `enable()`, and safe execution of hook code.
 * A plugin writes only `patch`/`unpatch` for its library.
 */
export abstract class AutologPlugin {
  /** Integration name, e.g. `openai`. */
  abstract readonly name: string;
  /** The npm package instrumented, e.g. `openai`. */
  abstract readonly moduleName: string;
  /** Semver range of supported versions, e.g. `>=4 <8`. */
  abstract readonly supportedVersions: string;
  /**
   * The plugin's own module URL or path (`import.meta.url`): the instrumented package is also
   * looked up from there — it is the plugin's (optional) peer dependency — when the app's
   * working directory and entry script do not resolve it.
   */
  protected readonly resolveFrom?: string;

  private hook: Hook | undefined;
  private readonly patchedModules = new Map<object, string>();
  private enabledFlag = false;

  /** Patches the module's exports (classes' prototypes); must be idempotent. */
  protected abstract patch(moduleExports: any, version: string): void;
  /** Undoes `patch`. */
  protected abstract unpatch(moduleExports: any): void;

  get enabled(): boolean {
    return this.enabledFlag;
  }

  /**
   * Patches the instrumented module: the CommonJS and ESM builds already resolvable from the app,
   * and any copy `require`d later. Never throws; the status says what happened.
   */
  async enable(): Promise<PluginStatus> {
    if (!this.enabledFlag) {
      this.enabledFlag = true;
      this.installRequireHook();
    }
    // Every copy the app could be using: the one its working directory resolves, its entry
    // script's, and the plugin's own peer — in a monorepo these can differ.
    const copies = resolveAllFromApp(this.moduleName, this.resolveFrom);
    if (!copies.length) {
      return {
        name: this.name,
        enabled: this.patchedModules.size > 0,
        patched: this.versions(),
        reason: this.patchedModules.size ? undefined : `${this.moduleName} is not installed`,
      };
    }
    let version = 'unknown';
    for (const resolved of copies) {
      version = readVersion(resolved.packageJson);
      if (!this.versionSupported(version)) continue;
      try {
        // The CommonJS build is patched synchronously, before the first await.
        this.patchModule(resolved.require(resolved.cjsEntry), version);
      } catch (err) {
        diag.debug(`${this.name}: CommonJS build not loadable: ${describeError(err)}`);
      }
    }
    for (const resolved of copies) {
      version = readVersion(resolved.packageJson);
      if (!this.versionSupported(version)) continue;
      try {
        const esm = await import(pathToFileURL(resolved.esmEntry ?? resolved.cjsEntry).href);
        this.patchModule(esm.default ?? esm, version);
        this.patchModule(esm, version);
      } catch (err) {
        diag.debug(`${this.name}: ESM build not loadable: ${describeError(err)}`);
      }
    }
    if (!this.patchedModules.size) {
      diag.once(
        'warn',
        `unpatched:${this.name}`,
        `${this.moduleName} ${version} is installed but could not be patched; use wrap(client) to trace it explicitly`,
      );
    }
    return this.status();
  }

  /** Restores every patched module; calls made afterwards are not traced. */
  disable(): void {
    this.enabledFlag = false;
    this.hook?.unhook();
    this.hook = undefined;
    for (const moduleExports of this.patchedModules.keys()) {
      try {
        this.unpatch(moduleExports);
      } catch (err) {
        diag.warn(`${this.name}: could not restore ${this.moduleName}: ${describeError(err)}`);
      }
    }
    this.patchedModules.clear();
  }

  /**
   * Patches a module object given explicitly — another copy, a package alias such as
   * `openai-v4`, or a bundled build. Checks the version when given.
   */
  patchModule(moduleExports: unknown, version = 'unknown'): boolean {
    if (!moduleExports || (typeof moduleExports !== 'object' && typeof moduleExports !== 'function'))
      return false;
    if (this.patchedModules.has(moduleExports)) return true;
    if (version !== 'unknown' && !this.versionSupported(version)) return false;
    try {
      this.patch(moduleExports, version);
      this.patchedModules.set(moduleExports, version);
      this.enabledFlag = true;
      return true;
    } catch (err) {
      diag.once(
        'warn',
        `patch-failed:${this.name}:${version}`,
        `${this.name}: could not patch ${this.moduleName} ${version}: ${describeError(err)}`,
      );
      return false;
    }
  }

  status(): PluginStatus {
    const patched = this.versions();
    return patched.length
      ? { name: this.name, enabled: true, patched }
      : { name: this.name, enabled: false, patched, reason: `${this.moduleName} could not be patched` };
  }

  private versions(): string[] {
    return [...new Set(this.patchedModules.values())];
  }

  private versionSupported(version: string): boolean {
    if (version === 'unknown') return true;
    const ok = semver.satisfies(semver.coerce(version) ?? version, this.supportedVersions);
    if (!ok) {
      diag.once(
        'warn',
        `version:${this.name}:${version}`,
        `${this.name}: ${this.moduleName} ${version} is outside the supported range ${this.supportedVersions}; not traced`,
      );
    }
    return ok;
  }

  private installRequireHook(): void {
    try {
      this.hook = new Hook(
        [this.moduleName],
        { internals: false },
        (exports: any, _name: string, basedir?: string) => {
          const version = basedir ? readVersion(join(basedir, 'package.json')) : 'unknown';
          this.patchModule(exports, version);
          return exports;
        },
      );
    } catch (err) {
      diag.debug(`${this.name}: require hook not installed: ${describeError(err)}`);
    }
  }
}

interface ResolvedModule {
  require: NodeJS.Require;
  cjsEntry: string;
  esmEntry?: string;
  packageJson: string;
}

/** Resolves a package as the app would: from `fallbackBase` (the plugin's own location), the working directory, then the entry script. */
export function resolveFromApp(moduleName: string, fallbackBase?: string): ResolvedModule | undefined {
  return resolveAllFromApp(moduleName, fallbackBase)[0];
}

/** Every distinct copy of a package resolvable from the working directory, the entry script and `fallbackBase`. */
export function resolveAllFromApp(moduleName: string, fallbackBase?: string): ResolvedModule[] {
  const found = new Map<string, ResolvedModule>();
  // The plugin's own peer first (installed beside the app's copy, so it is the app's), then the
  // working directory and the entry script (under a test runner or with NODE_PATH set these can
  // reach other copies — which are then patched too).
  for (const base of [fallbackBase, join(process.cwd(), 'noop.js'), process.argv[1]]) {
    if (!base) continue;
    const resolved = resolveFrom(moduleName, base);
    if (resolved && !found.has(resolved.packageJson)) found.set(resolved.packageJson, resolved);
  }
  return [...found.values()];
}

function resolveFrom(moduleName: string, base: string): ResolvedModule | undefined {
  try {
    const req = createRequire(base);
    const cjsEntry = req.resolve(moduleName);
    const packageJson = findPackageJson(cjsEntry, moduleName);
    if (!packageJson) return undefined;
    const pkg = JSON.parse(readFileSync(packageJson, 'utf8'));
    const esm = esmEntryOf(pkg);
    return {
      require: req,
      cjsEntry,
      esmEntry: esm ? join(dirname(packageJson), esm) : undefined,
      packageJson,
    };
  } catch {
    return undefined; // not resolvable from here
  }
}

function findPackageJson(entry: string, moduleName: string): string | undefined {
  let dir = dirname(entry);
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'package.json');
    try {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8'));
      if (pkg.name === moduleName) return candidate;
    } catch {
      // keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

function esmEntryOf(pkg: any): string | undefined {
  const root = pkg.exports?.['.'] ?? pkg.exports;
  const pick = (v: any): string | undefined => {
    if (typeof v === 'string') return v;
    if (v && typeof v === 'object') return pick(v.import) ?? pick(v.default) ?? pick(v.node);
    return undefined;
  };
  return pick(root) ?? pkg.module;
}

export function readVersion(packageJson: string): string {
  try {
    return String(JSON.parse(readFileSync(packageJson, 'utf8')).version ?? 'unknown');
  } catch {
    return 'unknown';
  }
}
