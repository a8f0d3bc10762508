import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { imageLabel } from '../../helpers/targets/docker.js';

/**
 * The lab image records which recipe (fixtures/image/Dockerfile) built it, so an image built
 * from an older recipe is rebuilt instead of silently testing the old tools.
 */
export const RECIPE_LABEL = 'lesson06.recipe';
export const RECIPE_DIR = 'fixtures/image';

export function recipeHash(dir = RECIPE_DIR): string {
  return createHash('sha256')
    .update(readFileSync(`${dir}/Dockerfile`))
    .digest('hex')
    .slice(0, 16);
}

/** 'current', 'stale' (built from another recipe) or 'missing'. */
export async function labImageState(ref: string): Promise<'current' | 'stale' | 'missing'> {
  const recipe = await imageLabel(ref, RECIPE_LABEL);
  if (recipe === undefined) return 'missing';
  return recipe === recipeHash() ? 'current' : 'stale';
}
