import { performance } from 'node:perf_hooks';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ClaimCandidates } from '../../functions/app/claim-candidates';
import { claimNextTicket } from '../../functions/app/claim-next-ticket';
import type { StoredTicket, TicketRepository } from '../../functions/app/ports';
import { DynamoTicketRepository } from '../../functions/adapters/ticket-repository';
import { batchGet } from '../../functions/adapters/batch-get';
import { isConditionFailure } from '../../functions/adapters/dynamodb';
import { keys } from '../../functions/adapters/table-design';
import {
  type BenchContext,
  countingStoreCalls,
  fail,
  queueCounters,
  seedWaiting,
  settle,
} from './context';
import { count, ms, percent, rate, ratioTarget, section, table, verdict } from './report';
import { queryQueue } from './store';
import { runPool, summarize, type Summary } from './stats';
import type { AgentToken } from './types';

interface Claim {
  agent: string;
  ticketId: string;
  status: string;
  assignee: string;
  ms: number;
}

interface Drain {
  claims: Claim[];
  /** Answers other than 200 and 204. */
  errors: string[];
  /** 204s after which the queue still held tickets (a lower bound of early 204s). */
  earlyNoContent: number;
  /** Per agent: how many it claimed. */
  perAgent: Map<string, number>;
  ms: number;
  latency?: Summary;
}

/** Every agent claims until the API answers 204; all start at once. */
async function drain(context: BenchContext, agents: AgentToken[]): Promise<Drain> {
  const result: Drain = {
    claims: [],
    errors: [],
    earlyNoContent: 0,
    perAgent: new Map(),
    ms: 0,
  };
  const started = performance.now();
  await Promise.all(
    agents.map(async (agent) => {
      let claimed = 0;
      for (;;) {
        const t0 = performance.now();
        const response = await context.http.send('POST', '/queue/claim', { token: agent.token });
        const took = performance.now() - t0;
        if (response.status === 204) {
          // Only claims take tickets out, so one still waiting now was waiting at the 204.
          const left = await queryQueue(context.db, context.input.tableName, 1);
          if ((left.Count ?? 0) > 0) result.earlyNoContent++;
          break;
        }
        if (response.status !== 200) {
          result.errors.push(`${agent.sub}: ${response.status} ${response.body}`);
          if (result.errors.length > 20) break;
          continue;
        }
        const ticket = JSON.parse(response.body) as StoredTicket;
        result.claims.push({
          agent: agent.sub,
          ticketId: ticket.ticketId,
          status: ticket.status,
          assignee: ticket.assignee ?? '',
          ms: took,
        });
        claimed++;
      }
      result.perAgent.set(agent.sub, claimed);
    }),
  );
  result.ms = performance.now() - started;
  if (result.claims.length > 0) result.latency = summarize(result.claims.map((c) => c.ms));
  return result;
}

/**
 * The raw store operation behind a claim: a conditional UpdateItem that takes a waiting
 * ticket (status and version as read), drops its queue index attributes and adds the
 * assignee index ones, as the product's claim does, `workers` at a time on distinct tickets.
 */
async function rawClaims(context: BenchContext, tickets: StoredTicket[], workers: number) {
  let failed = 0;
  const latencies: number[] = [];
  const started = performance.now();
  await runPool(tickets.length, workers, async (index, lane) => {
    const ticket = tickets[index] ?? fail('no ticket');
    const t0 = performance.now();
    const now = new Date().toISOString();
    try {
      await context.db.send(
        new UpdateCommand({
          TableName: context.input.tableName,
          Key: keys.ticket(ticket.ticketId),
          UpdateExpression:
            'SET #status = :claimed, assignee = :agent, updatedAt = :now, version = :next, ' +
            'assigneePk = :held, assigneeSk = :heldSort REMOVE queuePk, queueSk, customerQueuePk',
          ConditionExpression: '#status = :open AND version = :expected',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':claimed': 'in_progress',
            ':open': 'open',
            ':agent': `raw-${lane}`,
            ':now': now,
            ':held': keys.assignee(`raw-${lane}`),
            ':heldSort': keys.assigneeSort(now, ticket.ticketId),
            ':expected': ticket.version,
            ':next': ticket.version + 1,
          },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      failed++;
    }
    latencies.push(performance.now() - t0);
  });
  return { ms: performance.now() - started, failed, latency: summarize(latencies) };
}

interface InstanceDrain {
  ms: number;
  claims: number;
  doubleClaims: number;
  queries: number;
  writes: number;
  lost: number;
}

/**
 * Not a target: claims through the app layer (no HTTP), the agents spread over
 * `instances` instances with claim candidates of their own, as separate Lambda
 * environments would be. Shows what claims of different instances cost each other.
 */
async function instanceDrain(
  context: BenchContext,
  agents: number,
  instances: number,
): Promise<InstanceDrain> {
  const counts = { queries: 0, writes: 0, lost: 0 };
  const clock = { now: () => new Date() };
  const deps = Array.from({ length: instances }, () => {
    // Called on writes only, after claimCandidates below exists. Each instance keeps the
    // queue's counters as the product does.
    const repository = new DynamoTicketRepository(
      context.db,
      context.input.tableName,
      () => claimCandidates.queueChanged(),
      queueCounters(context),
    );
    const tickets: Pick<TicketRepository, 'queueHeads' | 'claim'> = {
      queueHeads: (limit) => {
        counts.queries++;
        return repository.queueHeads(limit);
      },
      claim: async (...args) => {
        counts.writes++;
        const claimed = await repository.claim(...args);
        if (!claimed) counts.lost++;
        return claimed;
      },
    };
    const claimCandidates = new ClaimCandidates(tickets, clock);
    return { tickets, claimCandidates, clock };
  });
  const claimer = new Map<string, number>();
  let doubleClaims = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: agents }, async (_, agent) => {
      const mine = deps[agent % instances] ?? fail('no instance');
      for (;;) {
        const ticket = await claimNextTicket(mine, `instance-agent-${agent}`);
        if (!ticket) return;
        if (claimer.has(ticket.ticketId)) doubleClaims++;
        claimer.set(ticket.ticketId, agent);
      }
    }),
  );
  return { ms: performance.now() - started, claims: claimer.size, doubleClaims, ...counts };
}

interface Verification {
  duplicates: number;
  unknown: number;
  unclaimed: number;
  wrongResponse: number;
  wrongInTable: number;
  stillInIndex: number;
  /** Waiting tickets the queue's bucket counters still count after the drain. */
  stillCounted: number;
}

/** Zero double claims, and the table agrees with what each agent was told. */
async function verify(
  context: BenchContext,
  seeded: StoredTicket[],
  result: Drain,
): Promise<Verification> {
  const seededIds = new Set(seeded.map((t) => t.ticketId));
  const claimer = new Map<string, string>();
  let duplicates = 0;
  let unknown = 0;
  let wrongResponse = 0;
  for (const claim of result.claims) {
    if (claimer.has(claim.ticketId)) duplicates++;
    claimer.set(claim.ticketId, claim.agent);
    if (!seededIds.has(claim.ticketId)) unknown++;
    if (claim.status !== 'in_progress' || claim.assignee !== claim.agent) wrongResponse++;
  }
  const stored = await batchGet(
    context.db,
    context.input.tableName,
    seeded.map((t) => keys.ticket(t.ticketId)),
  );
  if (stored.length !== seeded.length) fail(`read ${stored.length} of ${seeded.length} tickets`);
  let wrongInTable = 0;
  let unclaimed = 0;
  for (const item of stored) {
    const id = String(item.ticketId);
    if (!claimer.has(id)) unclaimed++;
    if (item.status !== 'in_progress' || item.assignee !== claimer.get(id)) wrongInTable++;
  }
  const head = await queryQueue(context.db, context.input.tableName, 1);
  const counted = await queueCounters(context).waiting();
  return {
    stillCounted: counted.contract + counted.standard,
    duplicates,
    unknown,
    unclaimed,
    wrongResponse,
    wrongInTable,
    stillInIndex: head.Count ?? 0,
  };
}

export async function benchClaims(context: BenchContext): Promise<void> {
  const { config, tokens } = context.input;
  const agents = tokens.agents;
  const n = config.claimTickets;
  section(
    `CLAIMS: ${agents.length} agents drain ${count(n)} waiting tickets via POST /queue/claim`,
  );

  // Warm-up: handlers loaded, JWKS fetched, connections open, JIT warm, on both sides.
  const warm = await seedWaiting(context, agents.length * 10);
  const warmDrain = await drain(context, agents);
  if (warmDrain.claims.length !== warm.tickets.length) fail('warm-up drain incomplete');
  await rawClaims(context, (await seedWaiting(context, agents.length * 10)).tickets, agents.length);

  // A B B A: raw, HTTP, HTTP, raw, each on freshly seeded tickets, totals compared.
  const raw = { ops: 0, ms: 0, failed: 0 };
  const http = { ops: 0, ms: 0, runs: [] as { drain: Drain; check: Verification }[] };
  const rows: string[][] = [];
  const row = (label: string, ops: number, took: number, latency: Summary | undefined) =>
    rows.push([
      label,
      count(ops),
      `${(took / 1000).toFixed(2)} s`,
      rate((ops / took) * 1000),
      latency ? ms(latency.median) : '-',
      latency ? ms(latency.p95) : '-',
    ]);
  for (const [i, side] of (['raw', 'http', 'http', 'raw'] as const).entries()) {
    const { tickets } = await seedWaiting(context, n);
    await settle();
    if (side === 'raw') {
      const run = await rawClaims(context, tickets, agents.length);
      raw.ops += tickets.length - run.failed;
      raw.ms += run.ms;
      raw.failed += run.failed;
      row(`raw UpdateItem (run ${i + 1})`, tickets.length - run.failed, run.ms, run.latency);
    } else {
      const run = await countingStoreCalls(
        context,
        'claim',
        () => drain(context, agents),
        (r) => r.claims.length,
      );
      http.ops += run.claims.length;
      http.ms += run.ms;
      http.runs.push({ drain: run, check: await verify(context, tickets, run) });
      row(`POST /queue/claim (run ${i + 1})`, run.claims.length, run.ms, run.latency);
    }
  }

  const rawRate = (raw.ops / raw.ms) * 1000;
  const httpRate = (http.ops / http.ms) * 1000;
  rows.push([
    'POST /queue/claim (total)',
    count(http.ops),
    `${(http.ms / 1000).toFixed(2)} s`,
    rate(httpRate),
    '',
    '',
  ]);
  rows.push([
    'raw UpdateItem (total)',
    count(raw.ops),
    `${(raw.ms / 1000).toFixed(2)} s`,
    rate(rawRate),
    '',
    '',
  ]);
  console.log(table(['', 'ops', 'time', 'rate', 'p50', 'p95'], rows));
  const share = httpRate / rawRate;
  console.log(
    `\n  claims/s vs conditional UpdateItem/s (${agents.length} workers): ${percent(share)} ` +
      `(target ≥ 40%) ${verdict(share >= 0.4)}`,
  );
  if (raw.failed > 0) console.log(`  note: ${raw.failed} raw updates failed their condition`);

  for (const [i, { drain: run, check }] of http.runs.entries()) {
    const spread = [...run.perAgent.values()];
    console.log(
      `  run ${i + 1}: claimed ${count(run.claims.length)} of ${count(n)}; double claims ` +
        `${check.duplicates}; unknown ids ${check.unknown}; left unclaimed ${check.unclaimed}; ` +
        `response not in_progress/caller ${check.wrongResponse}; table disagrees ` +
        `${check.wrongInTable}; still in queue index ${check.stillInIndex}; still counted ${check.stillCounted}; ` +
        `204 while ` +
        `tickets waited ${run.earlyNoContent}; errors ${run.errors.length}; per agent ` +
        `${Math.min(...spread)}–${Math.max(...spread)}`,
    );
    for (const error of run.errors.slice(0, 3)) console.log(`    ${error}`);
  }
  const clean = http.runs.every(
    ({ drain: run, check }) =>
      run.errors.length === 0 &&
      run.earlyNoContent === 0 &&
      check.duplicates + check.unknown + check.unclaimed + check.wrongResponse === 0 &&
      check.wrongInTable + check.stillInIndex + check.stillCounted === 0,
  );
  console.log(`  zero double claims and table consistent: ${clean ? 'yes' : 'NO'}`);

  // Not a target: how claims of separate instances (Lambda environments) race each other.
  for (const instances of [1, 4]) {
    const { tickets } = await seedWaiting(context, n);
    await settle();
    const run = await instanceDrain(context, agents.length, instances);
    const per = (x: number) => (x / Math.max(run.claims, 1)).toFixed(2);
    console.log(
      `  app level, no HTTP (not a target): ${agents.length} agents over ${instances} ` +
        `instance${instances === 1 ? '' : 's'} claimed ${count(run.claims)} of ` +
        `${count(tickets.length)} in ${(run.ms / 1000).toFixed(2)} s ` +
        `(${rate((run.claims / run.ms) * 1000)}); per claim Query ${per(run.queries)}, ` +
        `UpdateItem ${per(run.writes)} (lost ${per(run.lost)}); double claims ${run.doubleClaims}`,
    );
    if (run.claims !== tickets.length || run.doubleClaims > 0) {
      fail(`${instances} instances: ${run.claims} claims, ${run.doubleClaims} double`);
    }
  }
  context.targets.push({
    name: 'claims: zero double claims, every ticket in_progress with its claimer',
    measured: clean ? 'yes' : 'NO',
    target: 'yes',
    ok: clean,
  });
  context.targets.push(
    ratioTarget(
      `claims/s vs conditional UpdateItem/s (${agents.length} concurrent)`,
      share,
      'atLeast',
      0.4,
      true,
    ),
  );
}
