-- createSession: one session hash, written whole. KEYS[1] = ap:{sid}:s
-- ARGV: user, epoch, createdAt, endsAt ('' = none), meta, access, accessExpiresAt, refresh, refreshExpiresAt
-- ('' = never), ttl in ms ('' = keep forever), then the metadata: address ('' = none), user agent ('' = none),
-- method, amr (JSON array, '' = none), auth time (epoch seconds), aal. Expiries arrive already clamped to the cap.
-- The last-used time ('lu') starts as the creation time.
redis.call('HSET', KEYS[1], 'user', ARGV[1], 'epoch', ARGV[2], 'created', ARGV[3], 'ends', ARGV[4],
    'meta', ARGV[5], 'a', ARGV[6], 'ax', ARGV[7], 'r', ARGV[8], 'rx', ARGV[9],
    'ip', ARGV[11], 'ua', ARGV[12], 'm', ARGV[13], 'amr', ARGV[14], 'at', ARGV[15], 'aal', ARGV[16],
    'lu', ARGV[3])
if ARGV[10] ~= '' then
    redis.call('PEXPIRE', KEYS[1], ARGV[10])
end
return 1
