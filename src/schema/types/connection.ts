import { Field, Int, ObjectType, type ClassType } from "type-graphql";
import type { Page } from "../../services/read/paging";
import { PageInfo } from "./node";

export interface ConnectionShape<N> {
  edges: { cursor: string; node: N }[];
  nodes: N[];
  pageInfo: PageInfo;
  totalCount(): Promise<number>;
}

/**
 * Relay connection types for one node type. `totalCount` is a method, so the COUNT runs only when a
 * client selects it.
 */
export function connectionTypes<N extends object>(name: string, nodeType: ClassType<N>) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true })
  class Edge {
    @Field()
    cursor!: string;

    @Field(() => nodeType)
    node!: N;
  }

  @ObjectType(`${name}Connection`, { simpleResolvers: true })
  class Connection implements ConnectionShape<N> {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => [nodeType])
    nodes!: N[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    count!: () => Promise<number>;

    @Field(() => Int)
    totalCount(): Promise<number> {
      return this.count();
    }
  }

  return { Edge, Connection };
}

/** Builds a connection from a page of rows and the presenter of its node type. */
export function toConnection<R, N extends object, C extends ConnectionShape<N>>(
  ConnectionClass: ClassType<C>,
  page: Page<R>,
  present: (row: R) => N,
): C {
  const edges = page.rows.map((row) => ({ cursor: page.cursorOf(row), node: present(row) }));
  const pageInfo = Object.assign(new PageInfo(), {
    hasNextPage: page.hasNextPage,
    hasPreviousPage: page.hasPreviousPage,
    startCursor: edges.length > 0 ? edges[0].cursor : null,
    endCursor: edges.length > 0 ? edges[edges.length - 1].cursor : null,
  });
  return Object.assign(new ConnectionClass(), {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo,
    count: () => page.total(),
  });
}
