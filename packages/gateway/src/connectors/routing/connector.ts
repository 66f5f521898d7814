import type { Connector, Downstream, Settings } from '../../component.ts';
import type { Delivery } from '../../pipeline/delivery.ts';
import { RouteFull, routeBranches } from '../../pipeline/delivery.ts';
import type { Batch } from '../../signal.ts';
import type { Matcher, MatchView } from './condition.ts';
import { compileCondition, needsRecord } from './condition.ts';
import type { RoutingConnectorConfig } from './config.ts';
import { DEFAULT_ROUTE, routeName } from './config.ts';
import type { Key } from './split.ts';
import { keysOf, splitByKeys } from './split.ts';

/** Where the records of one key go. */
interface Destination {
  /** The routes that matched (`default` when none; a drop route alone): each counts the records. */
  routes: readonly string[];
  /** The pipelines; none when a drop route matched. */
  pipelines: readonly Downstream[];
  /** The pipelines that only read batches, and those that change them (given copies). */
  shared: readonly Downstream[];
  owning: readonly Downstream[];
}

/** A compiled route: its matcher and the pipelines it names. */
interface CompiledRoute {
  name: string;
  matches: Matcher;
  drop: boolean;
  pipelines: readonly Downstream[];
}

/** Keys are bit sets of route indexes while they fit a small integer, strings beyond. */
const MAX_BIT_ROUTES = 30;
/** Destinations kept; past this (many fan-out combinations) they are built per batch. */
const MAX_CACHED = 1024;

/**
 * Sends each resource, or each record when a route reads below the resource, to the pipelines of
 * the route it matches (or of every route it matches), and what matches none to the default
 * pipelines. Runs inside the receiving request. A batch whose records all go the same way passes
 * whole, keeping its received encoding; otherwise it is split, and each part that a pipeline
 * changes in place is copied first (parts share resource messages).
 *
 * Isolation: a full pipeline refuses only the requests that have data for it; the others are
 * accepted whole. (A secondary destination that should never refuse is an exporter with
 * `sending_queue.on_full: drop`: its pipeline is then never full, and what it skips is counted.)
 */
export class RoutingConnector implements Connector {
  readonly id: string;
  private readonly settings: Settings;
  private readonly routes: readonly CompiledRoute[];
  private readonly defaults: CompiledRoute;
  private readonly matchOnce: boolean;
  private readonly perRecord: boolean;
  private readonly all: readonly Downstream[];
  private readonly cache = new Map<Key, Destination>();
  private readonly decide: (view: MatchView) => Key;

  constructor(
    settings: Settings,
    config: RoutingConnectorConfig,
    downstream: ReadonlyMap<string, Downstream>,
  ) {
    this.id = settings.id;
    this.settings = settings;
    this.all = [...downstream.values()];
    const pipelinesOf = (ids: readonly string[]) =>
      ids.map((id) => {
        const pipeline = downstream.get(id);
        if (!pipeline) throw new Error(`pipeline ${id} does not receive from connector ${this.id}`);
        return pipeline;
      });
    this.routes = config.table.map((route, index) => ({
      name: routeName(route, index),
      matches: compileCondition(route.condition),
      drop: route.action === 'drop',
      pipelines: pipelinesOf(route.pipelines ?? []),
    }));
    this.defaults = {
      name: DEFAULT_ROUTE,
      matches: () => true,
      drop: false,
      pipelines: pipelinesOf(config.default_pipelines),
    };
    this.matchOnce = config.match_once;
    this.perRecord = config.table.some((route) => needsRecord(route.condition));
    this.decide = this.matchOnce ? this.firstMatch : this.everyMatch;
  }

  get mutates(): boolean {
    return this.all.some((pipeline) => pipeline.mutates);
  }

  /**
   * False only when no request could be accepted: every pipeline is full and no route drops.
   * Whether a given request is refused is decided once its records are matched (`route`).
   */
  hasRoom(): boolean {
    return this.routes.some((route) => route.drop) || this.all.some((p) => !p.saturated());
  }

  route(batch: Batch, delivery: Delivery): void {
    const { keys, uniform } = keysOf(batch, this.perRecord, this.decide);
    if (keys.length === 0) return;
    const parts: [Key, Batch][] = uniform
      ? [[keys[0]!, batch]]
      : [...splitByKeys(batch, this.perRecord, keys)];
    const signal = batch.signal;
    const destinations = parts.map(([key]) => this.destination(key));
    // Refuse before anything is routed: the whole request or nothing.
    for (const destination of destinations) {
      for (const pipeline of destination.pipelines) {
        if (pipeline.saturated()) throw new RouteFull(`pipeline ${pipeline.id} is full`);
      }
    }
    // What each part counts, read before the pipelines change the parts; applied only if the
    // request is accepted (a pipeline further on may still refuse it, and the client retries).
    const counted = parts.map(([, part], index) => ({
      destination: destinations[index]!,
      items: part.items,
    }));
    const giveOriginal = parts.length === 1;
    parts.forEach(([, part], index) => {
      const { shared, owning } = destinations[index]!;
      routeBranches(part, shared, owning, delivery, { giveOriginal });
    });
    const { metrics } = this.settings;
    delivery.defer(() => {
      for (const { destination, items } of counted) {
        for (const route of destination.routes)
          metrics.routed.inc({ connector: this.id, route, signal }, items);
        if (destination.pipelines.length === 0)
          metrics.routingDropped.inc(
            { connector: this.id, route: destination.routes[0]!, signal, reason: 'drop_route' },
            items,
          );
      }
    });
  }

  private readonly firstMatch = (view: MatchView): Key => {
    const routes = this.routes;
    for (let i = 0; i < routes.length; i++) if (routes[i]!.matches(view)) return i;
    return -1;
  };

  /** Every matching route, or the first matching drop route alone (a drop always wins). */
  private readonly everyMatch = (view: MatchView): Key => {
    const routes = this.routes;
    const bits = routes.length <= MAX_BIT_ROUTES;
    let set = 0;
    let list = '';
    for (let i = 0; i < routes.length; i++) {
      const route = routes[i]!;
      if (!route.matches(view)) continue;
      if (route.drop) return bits ? 1 << i : `${i},`;
      if (bits) set |= 1 << i;
      else list += `${i},`;
    }
    return bits ? set : list;
  };

  /** The routes a key stands for (an empty list: none matched). */
  private matched(key: Key): CompiledRoute[] {
    if (typeof key === 'string')
      return key
        .split(',')
        .filter(Boolean)
        .map((i) => this.routes[Number(i)]!);
    if (this.matchOnce) return key < 0 ? [] : [this.routes[key]!];
    return this.routes.filter((_, i) => (key & (1 << i)) !== 0);
  }

  private destination(key: Key): Destination {
    const cached = this.cache.get(key);
    if (cached) return cached;
    let routes = this.matched(key);
    if (routes.length === 0) routes = [this.defaults];
    const pipelines = [...new Set(routes.flatMap((route) => route.pipelines))];
    const destination: Destination = {
      routes: routes.map((route) => route.name),
      pipelines,
      shared: pipelines.filter((p) => !p.mutates),
      owning: pipelines.filter((p) => p.mutates),
    };
    if (this.cache.size < MAX_CACHED) this.cache.set(key, destination);
    return destination;
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
