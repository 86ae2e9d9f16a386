// The distance is defined beside the store ports (a hotel radius query depends on it); the core uses the same one.
export { distanceKm, greatCircleKm } from '../../ports/great-circle.js';
