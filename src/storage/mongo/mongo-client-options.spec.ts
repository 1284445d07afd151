import { MONGO_CLIENT_DEFAULTS, mongoClientOptions } from './mongo-client-options.js';

describe('mongoClientOptions', () => {
  it('bounds server selection and connecting, and acknowledges writes on a majority', () => {
    expect(mongoClientOptions('mongodb://db:27017/tether?replicaSet=rs0')).toEqual(MONGO_CLIENT_DEFAULTS);
    expect(MONGO_CLIENT_DEFAULTS).toMatchObject({
      serverSelectionTimeoutMS: 5000,
      connectTimeoutMS: 5000,
      writeConcern: { w: 'majority', wtimeoutMS: 10_000 },
    });
  });

  it('leaves every option MONGO_URL sets to MONGO_URL, whatever its case', () => {
    const options = mongoClientOptions(
      'mongodb://a:1,b:2/tether?replicaSet=rs0&serverselectiontimeoutms=20000&w=2&appName=ops',
    );
    expect(options).toEqual({ connectTimeoutMS: 5000 });
  });

  it('treats wtimeoutMS or journal in the URL as the write concern being set there', () => {
    expect(mongoClientOptions('mongodb+srv://user:pw@cluster.example/db?wtimeoutMS=1')).not.toHaveProperty(
      'writeConcern',
    );
    expect(mongoClientOptions('mongodb://db/tether?journal=true')).not.toHaveProperty('writeConcern');
  });
});
