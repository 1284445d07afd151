import { Controller, Get } from '@nestjs/common';
import type { ProtocolInfo } from '../protocol/http.js';
import { PROTOCOL_VERSION, SPEC_URLS } from '../protocol/version.js';

/**
 * The protocol version, for clients to check before they rely on anything else. The documents it
 * points at are static files of the build (see `serveWebApp`), generated from `protocol/`.
 */
@Controller('protocol')
export class ProtocolController {
  @Get()
  info(): ProtocolInfo {
    return { version: PROTOCOL_VERSION, ...SPEC_URLS };
  }
}
