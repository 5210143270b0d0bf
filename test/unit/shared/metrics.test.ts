import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  METRICS,
  METRICS_NAMESPACE,
  METRICS_SERVICE,
} from '../../../functions/domain/metric-names';
import { metrics, recordMetric } from '../../../functions/shared/metrics';
import { observability } from '../../../functions/shared/observability';

interface Emf {
  _aws: {
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
  [key: string]: unknown;
}

let printed: string[];
beforeEach(() => {
  printed = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed.push(String(chunk).trim());
    return true;
  });
});
afterEach(() => vi.restoreAllMocks());

/** The Embedded Metric Format documents printed (CloudWatch makes metrics of them). */
function emf(): Emf[] {
  return printed.filter((line) => line.includes('"_aws"')).map((line) => JSON.parse(line) as Emf);
}

describe('business metrics through Powertools Metrics (EMF)', () => {
  it('writes a metric with dimensions at once, under the namespace, with the service dimension', () => {
    recordMetric('ticketsReceived', 1, { group: 'contract', channel: 'email' });
    const [doc] = emf();
    expect(doc?._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: METRICS_NAMESPACE,
        Dimensions: [['service', 'group', 'channel']],
        Metrics: [{ Name: METRICS.ticketsReceived.name, Unit: 'Count' }],
      },
    ]);
    expect(doc).toMatchObject({
      service: METRICS_SERVICE,
      group: 'contract',
      channel: 'email',
      [METRICS.ticketsReceived.name]: 1,
    });
  });

  it('flushes the metrics without dimensions at the end of the invocation, once', async () => {
    const handler = middy(async () => {
      recordMetric('acknowledgementsSent', 1);
      recordMetric('acknowledgementLag', 1234);
      expect(emf()).toEqual([]);
    }).use(observability('mailer'));
    await handler({}, {} as Context);
    const [doc] = emf();
    expect(doc?._aws.CloudWatchMetrics[0]).toEqual({
      Namespace: METRICS_NAMESPACE,
      Dimensions: [['service']],
      Metrics: [
        { Name: METRICS.acknowledgementsSent.name, Unit: 'Count' },
        { Name: METRICS.acknowledgementLag.name, Unit: 'Milliseconds' },
      ],
    });
    expect(doc).toMatchObject({ AcknowledgementsSent: 1, AcknowledgementLag: 1234 });
    expect(emf()).toHaveLength(1);
    expect(metrics.hasStoredMetrics()).toBe(false);
  });

  it('writes nothing, and warns about nothing at INFO, for an invocation without metrics', async () => {
    const handler = middy(async () => 'ok').use(observability('get-ticket'));
    await handler({}, {} as Context);
    expect(emf()).toEqual([]);
    expect(printed.join('\n')).not.toMatch(/No application metrics/);
  });

  it('has a unit CloudWatch takes and a description for every metric', () => {
    for (const [key, metric] of Object.entries(METRICS)) {
      expect(['Count', 'Milliseconds'], key).toContain(metric.unit);
      expect(metric.description.length, key).toBeGreaterThan(20);
      expect(metric.name, key).toMatch(/^[A-Z][A-Za-z]+$/);
    }
  });
});
