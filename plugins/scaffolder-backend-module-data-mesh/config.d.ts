export interface Config {
  dataMesh?: {
    scaffolder?: {
      /**
       * Where `datamesh:publish:local` creates one git repository per data
       * product (the embedded default's stand-in for a git host), and the
       * only directory whose `file:` URLs the backend's URL readers serve.
       */
      localRepositories?: {
        /**
         * Absolute, or relative to the backend's working directory.
         * Default `.data/repos`.
         */
        directory?: string;
      };
    };
  };
}
