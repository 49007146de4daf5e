// The browser tests drive Debian's Chromium and the spreadsheet tests open files in LibreOffice;
// install them on a fresh machine (root, apt) if missing.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

// A CJK font too, so screenshots of the zh-CN pages are readable.
if (!existsSync('/usr/bin/chromium') || !existsSync('/usr/share/fonts/truetype/wqy/wqy-microhei.ttc')) {
  if (process.getuid?.() !== 0) {
    console.error('Chromium is missing: run `sudo apt-get install -y chromium` for the browser test.');
  } else {
    console.log('Installing Debian chromium for the browser test…');
    execSync(
      'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei',
      { stdio: 'inherit' },
    );
  }
}

if (!existsSync('/usr/bin/soffice')) {
  if (process.getuid?.() !== 0) {
    console.error(
      'LibreOffice is missing: run `sudo apt-get install -y libreoffice-calc-nogui` for the spreadsheet tests.',
    );
  } else {
    console.log('Installing Debian LibreOffice Calc for the spreadsheet tests…');
    execSync(
      'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-calc-nogui',
      {
        stdio: 'inherit',
      },
    );
  }
}
