import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The fault suite (`npm run test:faults`): ferry killed, clusters stopped, connections broken. Its files
// end in .fault.ts so that `npm test` never picks them up. FERRY_FAULTS_LONG=1 runs the long mode.
const report = process.env.FERRY_FAULTS_REPORT;
// Two cores, two JVMs, ferry and the workload: small heaps keep the machine responsive for others too.
process.env.FERRY_TESTBED_HEAP ??= "384m";

export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  test: {
    include: ["test/faults/**/*.fault.ts"],
    globalSetup: ["test/faults/global-setup.ts"],
    fileParallelism: false,
    testTimeout: process.env.FERRY_FAULTS_LONG === "1" ? 3_600_000 : 600_000,
    hookTimeout: 300_000,
    reporters: report ? ["default", ["json", { outputFile: report }]] : ["default"],
  },
});
