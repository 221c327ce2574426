// What every workload is given: the clusters, both replicators, ferry's process, the options, and the
// small index chores they share.
import { bulk, os, type Op } from "../../test/support/documents.ts";
import { streamsById } from "./corpus.ts";
import type { BenchFerry } from "./ferry-runner.ts";
import type { Options } from "./options.ts";
import type { PluginPair } from "./plugin-pair.ts";
import { CpuMeter } from "./procfs.ts";
import type { Replicator, System } from "./replicators.ts";

export interface Context {
  pair: PluginPair;
  ferry: BenchFerry;
  replicators: Record<System, Replicator>;
  options: Options;
}

export function log(message: string): void {
  console.error(`bench ${new Date().toISOString().slice(11, 19)} ${message}`);
}

/** An index laid out as the shape has it (`ctx.pair.shape.replicas`), green before anything is written. */
export async function createIndex(url: string, index: string, shards: number, replicas: number): Promise<void> {
  await os(url, "PUT", `/${index}?wait_for_active_shards=all`, { settings: { number_of_shards: shards, number_of_replicas: replicas } });
}

export async function deleteIndex(url: string, index: string): Promise<void> {
  await os(url, "DELETE", `/${index}`);
}

/** `_bulk` of the operations in `streams` concurrent streams (one per shard, as a replicator writes). */
export async function load(url: string, index: string, ops: Op[], streams: number): Promise<void> {
  await Promise.all(streamsById(ops, streams).map((part) => bulk(url, index, part)));
}

/** The systems of one run in turn: each run starts with another, so none always goes first. */
export function rotate<T>(items: T[], run: number): T[] {
  const k = run % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

/** CPU of the leader's and the follower's JVMs, ferry, this process (the load generator and checks) and
 * the whole machine, from now on. */
export function cpuMeter(ctx: Context): CpuMeter {
  return new CpuMeter({ leader: ctx.pair.leaderPids, follower: ctx.pair.followerPids, ferry: [ctx.ferry.process.pid], bench: [process.pid] });
}

export const seconds = (fromMs: number, toMs: number) => (toMs - fromMs) / 1000;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
