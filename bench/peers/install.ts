import { spawnSync } from 'node:child_process';

/** The Debian packages of the peers; installed with apt-get when absent (this needs root), and said so. */
const PACKAGES: Record<string, string> = { rclone: 'rclone', onedrive: 'onedrive' };

export function ensurePeersInstalled(names: string[]): void {
    const missing = names.filter((n) => PACKAGES[n] && spawnSync('which', [n]).status !== 0).map((n) => PACKAGES[n]!);
    if (missing.length === 0) return;
    console.log(`bench:peers: installing ${missing.join(', ')} from Debian (apt-get install -y ${missing.join(' ')})`);
    const install = () =>
        spawnSync('apt-get', ['install', '-y', '-o', 'DPkg::Lock::Timeout=600', ...missing], { stdio: 'inherit' });
    if (install().status !== 0) {
        spawnSync('apt-get', ['update'], { stdio: 'inherit' });
        if (install().status !== 0) throw new Error(`apt-get could not install ${missing.join(', ')} (root needed)`);
    }
}
