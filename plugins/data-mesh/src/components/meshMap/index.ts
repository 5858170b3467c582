export { MESH_MAP_PATH, MeshMap, MeshMapPage } from './MeshMap';
