import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// Cards load lazily inside a whole test app; on a busy CI machine the first
// render took up to 5 s, far over testing-library's default wait of 1 s.
configure({ asyncUtilTimeout: 10_000 });
jest.setTimeout(30_000);
