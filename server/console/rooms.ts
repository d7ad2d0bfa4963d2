/**
 * The socket.io rooms of `/console`, so visibility is decided on the server: an event
 * about a call goes to that call's room (its operator's sockets) and to `supervisors`.
 */
export const SUPERVISORS = 'supervisors';
export const callRoom = (callSid: string) => `call:${callSid}`;
export const userRoom = (userId: string) => `user:${userId}`;
/** Everyone who may see a call's events. */
export const audienceOf = (callSid: string) => [callRoom(callSid), SUPERVISORS];
