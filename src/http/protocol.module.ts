import { Module } from '@nestjs/common';
import { ProtocolController } from './protocol.controller.js';

@Module({ controllers: [ProtocolController] })
export class ProtocolModule {}
