-- findByAccessToken in one round trip, on a single server only: the session key is named by the pointer's value,
-- not given in KEYS, which Redis allows outside a Cluster (a Cluster takes two reads instead). Read-only.
-- KEYS[1] = ap:a:<digest>. Returns {} (no such token or session) or {session id, user, epoch, created, meta, a, ax,
-- pa, pax, rx, ip, ua, m, amr, at, aal}, a missing field as '' (a nil would end the reply early).
local id = redis.call('GET', KEYS[1])
if not id then
    return {}
end
local f = redis.call('HMGET', 'ap:{' .. id .. '}:s', 'user', 'epoch', 'created', 'meta', 'a', 'ax', 'pa', 'pax', 'rx',
    'ip', 'ua', 'm', 'amr', 'at', 'aal')
if not f[1] then
    return {}
end
local reply = {id}
for i = 1, 15 do
    reply[i + 1] = f[i] or ''
end
return reply
