/** The repository's root folder, with a trailing slash. */
export const root: string;

/** A public package of packages/: its npm name, folder and package.json. */
export interface PublicPackage {
  name: string;
  dir: string;
  manifest: {
    name: string;
    version: string;
    exports?: Record<string, unknown>;
    bin?: Record<string, string>;
    dependencies?: Record<string, string>;
    [key: string]: unknown;
  };
}

/** A packed package: its tarball beside what {@link publicPackages} says of it. */
export interface PackedPackage extends PublicPackage {
  tarball: string;
}

/** Every published package of packages/, dependencies first. */
export function publicPackages(): PublicPackage[];

/** The stable file name of a package's tarball (`decisioning-client.tgz`). */
export function tarballName(name: string): string;

/** Pack every public package into `dest`, as `pnpm publish` would. */
export function packPackages(dest: string): PackedPackage[];
