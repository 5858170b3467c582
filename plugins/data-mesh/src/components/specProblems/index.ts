export { SpecProblems, SpecProblemsPage } from './SpecProblems';
export { MySpecProblemsCard } from './MySpecProblemsCard';
export {
  SpecProblemsSidebarItem,
  SPEC_PROBLEMS_PATH,
} from './SpecProblemsSidebarItem';
export { CheckSpec, CheckSpecPage } from './CheckSpec';
