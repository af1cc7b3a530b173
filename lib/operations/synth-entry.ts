// What lib/operations/run.ts bundles from the (edited) sources: synth's steps for one site.
export { renderSites, synthFailure } from '../../main';
export { readSiteText } from '../site-files/validated';
