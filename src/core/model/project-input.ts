import type { ProjectStore } from '../store/types.ts';
import type { Encoder } from './encoder.ts';
import type { InputLoader } from './features.ts';
import { modelInputFromFile } from './input.ts';

/** Model input of a project image, through the one preprocessing path. */
export function projectInputLoader(project: ProjectStore, encoder: Encoder): InputLoader {
  return async (id) => {
    const img = project.getImage(id);
    if (!img) throw new Error(`image ${id} is not in project ${project.dir}`);
    return (await modelInputFromFile(project.imagePath(img), encoder.card)).data;
  };
}
