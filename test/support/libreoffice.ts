import { execFileSync } from 'node:child_process';

/**
 * The path of LibreOffice's `soffice`. Missing LibreOffice is a failure,
 * not a skip (the spreadsheet checks would otherwise go unrun unnoticed),
 * with the advice `scripts/install-libreoffice.sh` prints when it cannot
 * install it.
 */
export function sofficePath(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v soffice || command -v libreoffice'], { encoding: 'utf8', stdio: 'pipe' }).trim();
  } catch {
    throw new Error(
      'LibreOffice (soffice) is not installed: run scripts/install-libreoffice.sh (npm test runs it first and says why it could not install), ' +
        'or install LibreOffice Calc yourself (Debian/Ubuntu: sudo apt-get install -y libreoffice-calc-nogui) so that soffice is on the PATH',
    );
  }
}
