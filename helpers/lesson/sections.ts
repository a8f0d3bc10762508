/**
 * References into lesson 06 by section name only; the lesson's prose stays in the course repo.
 * Fixes are short commands in the student's own names, so a failure says what to do next.
 */
export type SectionId =
  | 'exercise-1'
  | 'exercise-2'
  | 'exercise-3'
  | 'exercise-4'
  | 'exercise-5'
  | 'verify'
  | 'cleanup'
  | 'common-error-1'
  | 'common-error-2'
  | 'common-error-3'
  | 'common-error-4'
  | 'common-error-5'
  | 'common-error-6'
  | 'notes';

export const SECTIONS: Readonly<Record<SectionId, string>> = {
  'exercise-1': 'Exercise 1: Set Up a Network Namespace with Connectivity',
  'exercise-2': 'Exercise 2: Configure runc to Use the Network Namespace',
  'exercise-3': 'Exercise 3: Run the Container and Verify Networking',
  'exercise-4': 'Exercise 4: Compare with New Namespace (No Path)',
  'exercise-5': 'Exercise 5: Using Pre-start Hooks',
  verify: 'Verify',
  cleanup: 'Clean Up',
  'common-error-1': 'Common Error 1: namespace path does not exist',
  'common-error-2': 'Common Error 2: no connectivity despite correct setup',
  'common-error-3': 'Common Error 3: permission denied accessing namespace',
  'common-error-4': "Common Error 4: container can't reach external networks",
  'common-error-5': 'Common Error 5: veth-container: No such device after moving',
  'common-error-6': 'Common Error 6: container shows wrong interfaces',
  notes: 'Notes',
};

export const SECTION_IDS = Object.keys(SECTIONS) as SectionId[];

export interface LessonRef {
  readonly section: SectionId;
  /** e.g. "Step 4" or "automated script: check 3". */
  readonly step?: string;
}

export function formatRef(ref: LessonRef): string {
  return ref.step ? `${SECTIONS[ref.section]}, ${ref.step}` : SECTIONS[ref.section];
}

/** Which Common Error a failure maps to, and the lesson's fix for it. */
export interface CommonErrorHint {
  readonly id: 1 | 2 | 3 | 4 | 5 | 6;
  readonly fix: string;
}

export function commonErrorTitle(id: CommonErrorHint['id']): string {
  return SECTIONS[`common-error-${id}`];
}
