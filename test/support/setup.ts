// Loaded by mocha (`require` in .mocharc.json) before any spec.
import * as chai from 'chai';
import chaiAsPromised from 'chai-as-promised';

chai.use(chaiAsPromised);
