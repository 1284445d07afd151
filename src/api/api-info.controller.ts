import { Controller, Get, UseGuards } from '@nestjs/common';
import type { InfoResponse } from '../protocol/http.js';
import { ClusterCensus } from '../realtime/cluster-census.js';
import { ApiKeyGuard } from './api-key.guard.js';

/** `ROUTES.apiInfo`: the cluster as its instances report it. */
@Controller('api/info')
@UseGuards(ApiKeyGuard)
export class ApiInfoController {
  constructor(private readonly census: ClusterCensus) {}

  @Get()
  async info(): Promise<InfoResponse> {
    const { reports, missing } = await this.census.take({});
    const instances = reports.map(({ id, sockets, startedAt }) => ({ id, sockets, startedAt }));
    return { instances, sockets: instances.reduce((sum, i) => sum + i.sockets, 0), missing };
  }
}
