import { defineConfig } from "vitest/config";

// CI asks for a machine-readable result to print its closing `N passed, N failed` line.
const report = process.env.FERRY_TEST_REPORT;

export default defineConfig({
  test: {
    include: ["{api,core,workers,sdk,test,bench}/**/*.test.ts"],
    globalSetup: ["test/testbed/global-setup.ts"],
    // Two cores run two JVMs beside the tests: files run one at a time so timings stay sane.
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 300_000,
    reporters: report ? ["default", ["json", { outputFile: report }]] : ["default"],
  },
});
