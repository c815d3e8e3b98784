/**
 * The English text the demo tokenizer learns its merges from: written for this project, a few paragraphs
 * about the thing the project is named after, so common words and word pieces get tokens of their own.
 */
export const DEMO_CORPUS = `A switchyard is where trains are taken apart and put together again. Cars arrive on one track, are sorted
by where they need to go, and leave on another. The work never really stops: while one train is being broken up,
the next one is already waiting outside the yard, and the crews know that every minute a car stands still is a
minute the whole line pays for.

The heart of the yard is the hump. A locomotive pushes a string of cars slowly up a small hill, and at the top a
worker uncouples them one at a time. Each car rolls down the other side on its own, and the switches below send it
to the right track. Retarders along the rails squeeze the wheels to slow the heavy cars and let the light ones
run, so that each car meets the others on its track gently instead of with a crash.

Long ago the switches were thrown by hand, and the yard master decided the order of the cars from a tower with a
good view. Today a computer reads the list of cars, knows the weight and the destination of each one, and sets the
switches and the retarders before the car reaches them. The people in the tower still watch, because a computer
does not see a door that has come open or a load that has shifted.

Choosing a track is a small decision made many thousands of times a day. A track that is nearly full is a poor
choice, and so is one that leaves in the wrong direction, but the best track is not always the closest one. The
yard has to think about the trains that will leave in an hour, the crews that will be free, and the engines that
are ready. A good plan keeps every track moving; a bad plan fills the yard until nothing can move at all.

The same question appears in many other places. A letter has to find the right sorting office, a call has to find
a free line, and a question has to find the person, or the program, that can answer it best. In each case there is
a price for being slow, a price for being wrong, and a price for using more than you need. The art is to weigh
them against each other and to decide quickly, since the next letter, the next call and the next question are
already on their way.

When the weather turns cold, the yard works harder. Ice makes the switches stick, snow hides the rails, and the
cars roll more slowly down the hump because the grease in their bearings grows thick. The crews clear the points
with brooms and small heaters, and the planners leave more room between the trains. Nobody likes a winter night in
the yard, but everybody knows that the goods on those trains are needed in the morning: bread, letters, medicine,
steel, paper and coal.

Visitors are often surprised by how quiet a modern yard can be. There is the long sigh of the brakes, the clank of
a coupler, a horn far away, and then for a while nothing at all. Then another car comes over the top of the hill,
and the whole dance begins again.
`;
