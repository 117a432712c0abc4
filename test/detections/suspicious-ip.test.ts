import { ipListDetectionSuite } from './lib/ip-list-detection.js';

ipListDetectionSuite('suspicious-ip', { suspicious: ['threat-intel'] }, 'threat-intel');
