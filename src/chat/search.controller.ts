import { Controller, Get, Query, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { AuthenticatedGuard } from '../auth/authenticated.guard.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { SearchQuerySchema, type SearchQuery, type SearchResponse } from '../protocol/message-http.js';
import { MessageSearchService } from '../rooms/message-search.service.js';

@Controller('search')
@UseGuards(AuthenticatedGuard)
export class SearchController {
  constructor(private readonly search: MessageSearchService) {}

  @Get()
  find(
    @Req() req: Request,
    @Query(new ZodValidationPipe(SearchQuerySchema)) query: SearchQuery,
  ): Promise<SearchResponse> {
    return this.search.search(req.user!.id, query);
  }
}
