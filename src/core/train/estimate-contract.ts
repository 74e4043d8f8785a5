/** The estimate's contract lives with honest evaluation (core/eval); training writes it. */
export * from '../eval/estimate-contract.ts';
