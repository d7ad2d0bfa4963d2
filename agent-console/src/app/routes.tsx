import type { ComponentType } from 'react';
import { Desk } from '../desk/Desk.tsx';
import Manage from '../manage/Manage.tsx';
import Wallboard from '../wallboard/Wallboard.tsx';
import type { RouteProps } from './route-props.ts';
import type { RouteId } from './route-table.ts';

/** The page of each route (who may open which: route-table.ts). */
export const ROUTE_COMPONENTS: Readonly<Record<RouteId, ComponentType<RouteProps>>> = {
  desk: Desk,
  wallboard: Wallboard,
  manage: Manage,
};
