import { MaxLength } from "class-validator";
import { ArgsType, Field, Int, ObjectType, type ClassType } from "type-graphql";
import type { Page } from "../../domain/paging";
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
  @ObjectType(`${name}Edge`, { simpleResolvers: true, description: `One ${name} of a page, with its cursor.` })
  class Edge {
    @Field({ description: "Opaque cursor of this item: pass it as `after` to get the items that follow." })
    cursor!: string;

    @Field(() => nodeType, { description: `The ${name}.` })
    node!: N;
  }

  @ObjectType(`${name}Connection`, {
    simpleResolvers: true,
    description: `A page of ${name} items (Relay connection): keyset-paged, first from 1 to 500, stable order.`,
  })
  class Connection implements ConnectionShape<N> {
    @Field(() => [Edge], { description: "The page's items with their cursors." })
    edges!: Edge[];

    @Field(() => [nodeType], { description: "The page's items, when cursors are not needed." })
    nodes!: N[];

    @Field(() => PageInfo, { description: "Whether more items follow, and the cursors to get them." })
    pageInfo!: PageInfo;

    count!: () => Promise<number>;

    @Field(() => Int, {
      description: "How many items the whole list holds (every page); counted only when selected.",
    })
    totalCount(): Promise<number> {
      return this.count();
    }
  }

  return { Edge, Connection };
}

/** An edge whose cursor is encoded only if a client selects it. */
class LazyEdge<R, N> {
  constructor(
    private readonly row: R,
    private readonly page: Page<R>,
    readonly node: N,
  ) {}

  get cursor(): string {
    return this.page.cursorOf(this.row);
  }
}

/** Page info whose cursors are encoded only if a client selects them. */
class LazyPageInfo<R> implements PageInfo {
  readonly hasNextPage: boolean;
  readonly hasPreviousPage: boolean;

  constructor(private readonly page: Page<R>) {
    this.hasNextPage = page.hasNextPage;
    this.hasPreviousPage = page.hasPreviousPage;
  }

  get startCursor(): string | null {
    const first = this.page.rows[0];
    return first === undefined ? null : this.page.cursorOf(first);
  }

  get endCursor(): string | null {
    const last = this.page.rows[this.page.rows.length - 1];
    return last === undefined ? null : this.page.cursorOf(last);
  }
}

/** Builds a connection from a page of rows and the presenter of its node type. */
export function toConnection<R, N extends object, C extends ConnectionShape<N>>(
  ConnectionClass: ClassType<C>,
  page: Page<R>,
  present: (row: R) => N,
): C {
  const nodes = page.rows.map(present);
  return Object.assign(new ConnectionClass(), {
    edges: page.rows.map((row, i) => new LazyEdge(row, page, nodes[i])),
    nodes,
    pageInfo: new LazyPageInfo(page),
    count: () => page.total(),
  });
}

/** The first/after arguments every root list takes (page size 1 to 500, SPEC §2 paging). */
@ArgsType()
export class PageArgs {
  @Field(() => Int, {
    description: "Page size, 1 to 500 (outside that range: BAD_USER_INPUT).",
    nullable: true,
    defaultValue: 50,
  })
  first!: number;

  @Field(() => String, {
    description: "Opaque cursor (an edge's `cursor` or `pageInfo.endCursor`): the page starts after it.",
    nullable: true,
  })
  @MaxLength(512)
  after?: string | null;
}
