import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_PLANS, type ServiceLevelPlan } from '../domain/service-levels/plan';
import type { Clock, ServiceLevelPlans } from '../app/ports';
import { fieldsOf } from './item-fields';
import { RECENT_READ_MAX_AGE_MS, RecentReads, systemClock } from './recent-reads';
import { keys } from './table-design';
import { queryPages } from './query-collection';

const STORAGE_ATTRIBUTES = new Set(['pk', 'sk', 'entity']);

/**
 * Service-level plans, one item each under one partition (listing them is one Query). The
 * shipped default plans apply until an admin stores a plan with the same id.
 */
export class DynamoServiceLevelPlans implements ServiceLevelPlans {
  private readonly read: RecentReads<ServiceLevelPlan | undefined>;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    clock: Clock = systemClock,
  ) {
    this.read = new RecentReads(clock, RECENT_READ_MAX_AGE_MS, 200);
  }

  async get(planId: string): Promise<ServiceLevelPlan | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.serviceLevelPlan(planId),
        ConsistentRead: true,
      }),
    );
    const plan = Item ? toPlan(Item) : DEFAULT_PLANS.find((p) => p.planId === planId);
    this.read.set(planId, plan);
    return plan;
  }

  recent(planId: string): Promise<ServiceLevelPlan | undefined> {
    return this.read.get(planId, () => this.get(planId));
  }

  async list(): Promise<ServiceLevelPlan[]> {
    const stored: ServiceLevelPlan[] = [];
    for await (const page of queryPages(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :plans',
      ExpressionAttributeValues: { ':plans': keys.serviceLevelPlans() },
      ConsistentRead: true,
    })) {
      stored.push(...(page.Items ?? []).map(toPlan));
    }
    const ids = new Set(stored.map((p) => p.planId));
    return [...stored, ...DEFAULT_PLANS.filter((p) => !ids.has(p.planId))].sort((a, b) =>
      a.planId < b.planId ? -1 : a.planId > b.planId ? 1 : 0,
    );
  }

  async put(plan: ServiceLevelPlan): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.serviceLevelPlan(plan.planId), entity: 'service-level-plan', ...plan },
      }),
    );
    this.read.set(plan.planId, plan);
  }
}

function toPlan(item: Record<string, unknown>): ServiceLevelPlan {
  return fieldsOf(item, STORAGE_ATTRIBUTES) as unknown as ServiceLevelPlan;
}
