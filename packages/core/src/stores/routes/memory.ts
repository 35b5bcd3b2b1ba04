import { routePatternsFor } from '../../schemas/route';
import { newRoute, toRoute } from './items';
import type { InboundRoute, NewRoute, RouteStore } from './port';

/** RouteStore in a Map, for use-case tests; same answers as DynamoRouteStore. */
export class InMemoryRouteStore implements RouteStore {
  private readonly routes = new Map<string, InboundRoute>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  async put(route: NewRoute): Promise<InboundRoute> {
    const record = newRoute(route, this.now());
    this.routes.set(record.pattern, record);
    return toRoute({ ...record });
  }

  async get(pattern: string): Promise<InboundRoute | null> {
    const route = this.routes.get(pattern);
    return route ? toRoute({ ...route }) : null;
  }

  async resolve(address: string): Promise<InboundRoute | null> {
    for (const p of routePatternsFor(address)) {
      const route = await this.get(p);
      if (route) return route;
    }
    return null;
  }

  async list(): Promise<InboundRoute[]> {
    return [...this.routes.keys()].sort().map((p) => toRoute({ ...this.routes.get(p)! }));
  }

  async remove(pattern: string): Promise<boolean> {
    return this.routes.delete(pattern);
  }
}
