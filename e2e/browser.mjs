// Headless Debian Chromium driven by playwright-core, with the flags this machine needs.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

/** Every host but this machine's loopback goes to a proxy that is not there: the network is
off for the page, as on a registry's network with no internet. */
const NETWORK_OFF = ["--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>;127.0.0.1;localhost"];

/** A fresh browser with its own profile folder; close() removes the folder. */
export async function launch({ offline = false } = {}) {
  const profile = mkdtempSync(join(tmpdir(), "credgraph-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1366, height: 768 },
    acceptDownloads: true,
    locale: "zh-CN",
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      ...(offline ? NETWORK_OFF : []),
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
