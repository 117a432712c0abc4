import { ipListDetectionSuite } from './lib/ip-list-detection.js';

ipListDetectionSuite('anonymous-ip', { anonymous: ['tor-exits'] }, 'tor-exits');
