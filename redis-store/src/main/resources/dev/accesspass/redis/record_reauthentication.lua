-- recordReauthentication: on a session that still exists, sets how the user last authenticated (amr, aal) and
-- raises, never lowers, its auth time; the method, tokens and expiries stay. KEYS[1] = ap:{sid}:s.
-- ARGV[1] = amr (JSON array, '' = none), ARGV[2] = aal, ARGV[3] = auth time (epoch seconds).
-- A session from before metadata was kept gets the method it already reads with ('api'), so the facts are read.
-- Returns 1, or 0 for no such session.
local s = KEYS[1]
local f = redis.call('HMGET', s, 'user', 'm', 'at')
if not f[1] then
    return 0
end
if not f[2] or f[2] == '' then
    redis.call('HSET', s, 'm', 'api')
end
redis.call('HSET', s, 'amr', ARGV[1], 'aal', ARGV[2])
if not f[3] or f[3] == '' or tonumber(ARGV[3]) > tonumber(f[3]) then
    redis.call('HSET', s, 'at', ARGV[3])
end
return 1
