export { createOrganizationService } from './service.js';
