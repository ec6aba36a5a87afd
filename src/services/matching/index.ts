export type {
  FitReason,
  FitSubject,
  ProductDef,
  ProductEligibilityDef,
  ProductFitContext,
  ProductFitResult,
  ProductFitsOptions,
  SegmentCriteriaDef,
  SegmentDef,
  SegmentFitResult,
} from "./types";
export { bestSegment, segmentFit, segmentFits } from "./segment-fit";
export { creditCoefficient, productFit, productFits, recommendedLimit } from "./product-fit";
