import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from "typeorm";
import { ProductEntity } from "./product.entity";
import { SegmentEntity } from "./segment.entity";

/** The segments a product is offered to; none means every segment. */
@Entity("product_segment")
@Index("IDX_product_segment_segment", ["segmentId"])
export class ProductSegmentEntity {
  @PrimaryColumn({ type: "int" })
  productId!: number;

  @PrimaryColumn({ type: "int" })
  segmentId!: number;

  @ManyToOne(() => ProductEntity, { onDelete: "CASCADE" })
  @JoinColumn({ name: "productId" })
  product?: ProductEntity;

  @ManyToOne(() => SegmentEntity, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "segmentId" })
  segment?: SegmentEntity;
}
